"""GraphiQL is served by the gateway itself, so it works on a LAN with no internet."""

from __future__ import annotations

import re

import httpx

LOCAL_ASSET = re.compile(r'(?:src|href)="([^"]+)"')


async def page(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get(
        "/graphql", headers={"accept": "text/html,application/xhtml+xml"}
    )


async def test_a_browser_gets_graphiql_at_the_graphql_address(
    client: httpx.AsyncClient,
):
    response = await page(client)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_the_page_names_no_external_url(client: httpx.AsyncClient):
    html = (await page(client)).text

    assert "http://" not in html and "https://" not in html and "//cdn" not in html


async def test_every_asset_of_the_page_is_served_by_the_gateway(
    client: httpx.AsyncClient,
):
    assets = LOCAL_ASSET.findall((await page(client)).text)

    assert len(assets) >= 6
    for asset in assets:
        assert asset.startswith("/static/"), asset
        response = await client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 50, asset


async def test_stylesheets_load_no_remote_fonts_or_images(client: httpx.AsyncClient):
    stylesheets = [
        a for a in LOCAL_ASSET.findall((await page(client)).text) if a.endswith(".css")
    ]

    for stylesheet in stylesheets:
        css = (await client.get(stylesheet)).text
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), stylesheet
        assert "@import" not in css, stylesheet


async def test_vendored_packages_keep_their_licences(client: httpx.AsyncClient):
    from edge_gateway.app import STATIC_DIR

    licences = {p.name for p in (STATIC_DIR / "graphiql" / "LICENSES").iterdir()}

    assert any(name.startswith("graphiql") for name in licences)
    assert any(name.startswith("react-") for name in licences)
    assert any(name.startswith("graphql-ws") for name in licences)


async def test_the_openapi_page_loads_only_local_assets(anonymous: httpx.AsyncClient):
    html = (await anonymous.get("/api/docs")).text

    external = re.findall(r"""(?:src|href)=["']?(https?://[^"' >]+)""", html)
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html)
    assert external == []
    assert len(assets) >= 2
    for asset in assets:
        assert (await anonymous.get(asset)).status_code == 200, asset
