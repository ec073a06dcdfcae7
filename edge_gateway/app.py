"""The gateway's ASGI application, and the lifespan that starts and stops its parts."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.requests import Request
from starlette.staticfiles import StaticFiles

from edge_gateway import __version__
from edge_gateway.api import auth as auth_routes
from edge_gateway.api import health, snapshots
from edge_gateway.api.errors import install_error_handlers
from edge_gateway.api.limits import BodySizeLimit
from edge_gateway.auth.service import AuthService
from edge_gateway.cameras.registry import DriverRegistry
from edge_gateway.cameras.service import CameraService
from edge_gateway.cameras.supervisor import Supervisor
from edge_gateway.db import Database
from edge_gateway.db.cameras import CameraStore
from edge_gateway.db.discovered import DiscoveredStore
from edge_gateway.discovery.mdns import GatewayAdvertiser
from edge_gateway.discovery.service import DiscoveryService
from edge_gateway.errors import GatewayError
from edge_gateway.graphql.context import RequestContext, authenticated_context
from edge_gateway.graphql.documents import DocumentCache
from edge_gateway.graphql.executable import build_schema
from edge_gateway.graphql.http import GraphQLEndpoint
from edge_gateway.graphql.websocket import SubscriptionEndpoint
from edge_gateway.services import Services
from edge_gateway.settings import Settings

logger = logging.getLogger(__name__)

# A request allocates thousands of short-lived objects; collecting the youngest
# generation every 700 allocations (the default) runs the collector several times
# per request for nothing, since almost none of them are in cycles.
GC_THRESHOLDS = (20_000, 20, 20)

STATIC_DIR = Path(str(resources.files("edge_gateway") / "static"))
GRAPHIQL_PAGE = STATIC_DIR / "graphiql" / "index.html"


def create_app(settings: Settings, registry: DriverRegistry | None = None) -> FastAPI:
    """The gateway's application; its lifespan opens the database and cameras."""
    registry = registry or DriverRegistry.from_entry_points()
    schema = build_schema()
    documents = DocumentCache(schema, settings.graphql)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await start_services(settings, registry)
        app.state.services = services
        advertiser = GatewayAdvertiser(
            settings.discovery.mdns_interfaces, settings.server.port
        )
        if settings.discovery.mdns_advertise:
            await advertiser.start()
        # Everything built so far lives as long as the process; leaving it out of
        # the collector's generations keeps collection pauses short under load.
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        try:
            yield
        finally:
            await advertiser.stop()
            await stop_services(services)

    app = FastAPI(
        title="Edge Gateway",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth_routes.router)
    app.include_router(snapshots.router)

    async def context_for(request: Request) -> RequestContext:
        return await authenticated_context(
            request, request.app.state.services, request.headers.get("authorization")
        )

    @app.get("/api/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        # FastAPI's own page loads Swagger UI from a CDN; a site LAN has no internet.
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Edge Gateway API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
            oauth2_redirect_url="/static/swagger-ui/oauth2-redirect.html",
            swagger_ui_parameters={"validatorUrl": None},
        )

    endpoint = GraphQLEndpoint(schema, documents, context_for, str(GRAPHIQL_PAGE))
    app.add_route("/graphql", endpoint.handle, methods=["GET", "POST"])
    subscriptions = SubscriptionEndpoint(schema, settings.graphql)
    app.add_api_websocket_route("/graphql", subscriptions.handle)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    if settings.server.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.server.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.server.max_body_bytes)
    return app


async def start_services(settings: Settings, registry: DriverRegistry) -> Services:
    """Open the database, add the configured cameras and start supervising them."""
    database = Database(settings.database_path)
    await database.open()
    logger.info(
        "database %s at schema version %s",
        settings.database_path,
        database.schema_version,
    )

    auth = AuthService(database, settings.state_dir, settings.auth)
    store = CameraStore(database)
    supervisor = Supervisor(registry, store, settings.supervision)
    cameras = CameraService(
        registry, store, supervisor, settings.supervision.call_timeout_s
    )
    try:
        await auth.start()
        auth.directory.start_watching(settings.auth.reload_interval_s)
        await supervisor.start()
        await _add_configured_cameras(settings, store, cameras)
    except BaseException:
        await supervisor.stop()
        await auth.directory.stop_watching()
        await database.close()
        raise
    discovery = DiscoveryService(settings.discovery, DiscoveredStore(database), cameras)
    return Services(settings, database, supervisor, cameras, auth, discovery)


async def stop_services(services: Services) -> None:
    """Stop the cameras, then close the database."""
    await services.supervisor.stop()
    await services.auth.directory.stop_watching()
    await services.database.close()
    logger.info("gateway stopped")


async def _add_configured_cameras(
    settings: Settings, store: CameraStore, cameras: CameraService
) -> None:
    existing = {record.name for record in await store.all()}
    for seed in settings.cameras:
        if seed.name in existing:
            continue
        try:
            await cameras.add_camera(seed.name, seed.driver, seed.settings)
        except GatewayError as err:
            logger.error("configured camera %r not added: %s", seed.name, err.message)
