"""Parsed and validated GraphQL documents, kept so a repeated query skips both steps.

Parsing and validating take most of the time of a small query; clients such as the
control plane and dashboards send the same few documents again and again. A document
is validated against a schema and rules that do not change while the process runs,
so the outcome can be kept by query text. Only the cost rule depends on variables
(`first: $n`); it runs again for each request of a document that has variables.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import ASTValidationRule

from edge_gateway.graphql.limits import (
    alias_limit,
    cost_limit,
    depth_limit,
    operation_limit,
)
from edge_gateway.settings import GraphQLSettings


@dataclass(frozen=True)
class PreparedDocument:
    """A query's parsed document, or the errors that stop it, with the phase's code."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    error_code: str
    has_variables: bool = False

    def operation(self, name: str | None) -> OperationDefinitionNode | None:
        """The operation to run: the one named, or the only one."""
        if self.document is None:
            return None
        operations = [
            d
            for d in self.document.definitions
            if isinstance(d, OperationDefinitionNode)
        ]
        if name is None:
            return operations[0] if len(operations) == 1 else None
        return next(
            (op for op in operations if op.name and op.name.value == name), None
        )


# Far above any document a client of ours sends (GraphiQL's introspection query
# has about 300 tokens), low enough that validating one cannot stall the loop.
MAX_TOKENS = 2000


class DocumentCache:
    """Prepares documents against one schema, keeping the most recently used."""

    def __init__(self, schema: GraphQLSchema, settings: GraphQLSettings) -> None:
        self._schema = schema
        self._settings = settings
        self._rules: tuple[type[ASTValidationRule], ...] = (
            *specified_rules,
            depth_limit(settings.max_depth),
            alias_limit(settings.max_aliases),
            operation_limit(settings.max_operations),
        )
        if not settings.introspection:
            from graphql.validation import NoSchemaIntrospectionCustomRule

            self._rules = (*self._rules, NoSchemaIntrospectionCustomRule)
        self._kept: OrderedDict[str, PreparedDocument] = OrderedDict()

    def prepare(self, query: str, variables: dict[str, Any] | None) -> PreparedDocument:
        """The prepared document for `query`, checked for cost with `variables`."""
        if len(query) > self._settings.max_query_chars:
            return _too_large(len(query), self._settings.max_query_chars)
        prepared = self._kept.get(query)
        if prepared is None:
            prepared = self._prepare(query)
            self._keep(query, prepared)
        else:
            self._kept.move_to_end(query)
        if prepared.errors or not prepared.has_variables:
            return prepared

        assert prepared.document is not None
        try:
            errors = validate(
                self._schema,
                prepared.document,
                [cost_limit(self._settings.max_cost, variables)],
            )
        except (OverflowError, ValueError, TypeError):
            # A variable so large or odd that the cost cannot be worked out.
            error = GraphQLError("a variable's value is out of range")
            return PreparedDocument(None, (error,), "BAD_USER_INPUT")
        if errors:
            # The cost error carries its own code; any other error here comes from
            # variables the rule could not read.
            return PreparedDocument(None, tuple(errors), "BAD_USER_INPUT")
        return prepared

    def _prepare(self, query: str) -> PreparedDocument:
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError as error:
            return PreparedDocument(None, (error,), "GRAPHQL_PARSE_FAILED")

        has_variables = any(
            isinstance(d, OperationDefinitionNode) and d.variable_definitions
            for d in document.definitions
        )
        rules = list(self._rules)
        if not has_variables:
            rules.append(cost_limit(self._settings.max_cost, None))
        errors = validate(self._schema, document, rules)
        if errors:
            return PreparedDocument(None, tuple(errors), "GRAPHQL_VALIDATION_FAILED")
        return PreparedDocument(document, (), "", has_variables)

    def _keep(self, query: str, prepared: PreparedDocument) -> None:
        if self._settings.document_cache_size == 0:
            return
        self._kept[query] = prepared
        while len(self._kept) > self._settings.document_cache_size:
            self._kept.popitem(last=False)


def _too_large(size: int, limit: int) -> PreparedDocument:
    error = GraphQLError(f"the query has {size} characters; the limit is {limit}")
    return PreparedDocument(None, (error,), "QUERY_TOO_LARGE")
