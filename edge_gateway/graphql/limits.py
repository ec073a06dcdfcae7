"""Validation rules that refuse documents too deep, too costly or too wide to run."""

from __future__ import annotations

from typing import Any

from ariadne.validation.query_cost import CostValidator
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)
from graphql.language import DocumentNode
from graphql.validation import ASTValidationRule

# What a list field costs per item it may return, by the argument that bounds it.
COST_MAP: dict[str, dict[str, Any]] = {
    "Query": {
        "cameras": {"complexity": 1, "multipliers": ["first"]},
    },
    "Camera": {
        "ptzStatus": {"complexity": 10},
        "streamUri": {"complexity": 10},
        "presets": {"complexity": 10},
        "profiles": {"complexity": 2},
    },
}


def depth_limit(max_depth: int) -> type[ASTValidationRule]:
    """A rule refusing operations whose fields nest deeper than `max_depth`."""

    class DepthLimit(ASTValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            fragments = {
                d.name.value: d
                for d in node.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            for definition in node.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                depth = _depth(definition.selection_set, fragments, frozenset(), {})
                if depth > max_depth:
                    name = definition.name.value if definition.name else "anonymous"
                    self.report_error(
                        GraphQLError(
                            f"operation {name} nests {depth} levels deep; "
                            f"the limit is {max_depth}",
                            definition,
                            extensions={"code": "QUERY_TOO_DEEP"},
                        )
                    )

    return DepthLimit


def alias_limit(max_aliases: int) -> type[ASTValidationRule]:
    """A rule refusing documents with more than `max_aliases` aliased fields."""

    class AliasLimit(ASTValidationRule):
        count = 0

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.alias is None:
                return
            self.count += 1
            if self.count == max_aliases + 1:
                self.report_error(
                    GraphQLError(
                        f"the document uses more than {max_aliases} aliases",
                        node,
                        extensions={"code": "TOO_MANY_ALIASES"},
                    )
                )

    return AliasLimit


def operation_limit(max_operations: int) -> type[ASTValidationRule]:
    """A rule refusing documents that define more than `max_operations` operations."""

    class OperationLimit(ASTValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            count = sum(
                isinstance(d, OperationDefinitionNode) for d in node.definitions
            )
            if count > max_operations:
                self.report_error(
                    GraphQLError(
                        f"the document defines {count} operations; "
                        f"the limit is {max_operations}",
                        extensions={"code": "TOO_MANY_OPERATIONS"},
                    )
                )

    return OperationLimit


def cost_limit(
    max_cost: int, variables: dict[str, Any] | None
) -> type[ASTValidationRule]:
    """A rule refusing operations whose estimated cost exceeds `max_cost`."""

    class CostLimit(CostValidator):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(
                context,
                maximum_cost=max_cost,
                default_complexity=1,
                variables=variables,
                cost_map=COST_MAP,
            )

        def get_cost_exceeded_error(self) -> GraphQLError:
            error: GraphQLError = super().get_cost_exceeded_error()
            error.extensions = {**(error.extensions or {}), "code": "QUERY_TOO_COMPLEX"}
            return error

    return CostLimit


def _depth(
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: frozenset[str],
    known: dict[str, int],
) -> int:
    if selections is None:
        return 0
    deepest = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            # Introspection is bounded by the schema, not the client; GraphiQL's
            # own query nests fifteen levels.
            if selection.name.value.startswith("__"):
                continue
            if selection.selection_set is None:
                depth = 1
            else:
                depth = 1 + _depth(selection.selection_set, fragments, visiting, known)
        elif isinstance(selection, InlineFragmentNode):
            depth = _depth(selection.selection_set, fragments, visiting, known)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            # A cycle or an unknown fragment is reported by the standard rules.
            if fragment is None or name in visiting:
                continue
            if name not in known:
                known[name] = _depth(
                    fragment.selection_set, fragments, visiting | {name}, known
                )
            depth = known[name]
        deepest = max(deepest, depth)
    return deepest
