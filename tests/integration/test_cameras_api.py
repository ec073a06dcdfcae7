"""Cameras through GraphQL over real HTTP: lists, changes, PTZ, snapshots."""

from __future__ import annotations

import cv2
import httpx
import numpy as np
import pytest

from tests.conftest import add_camera, graphql, wait_for_status

CAMERA_FIELDS = """
    id name driver status lastError lastSeenAt capabilities settings snapshotUrl
    deviceInfo { manufacturer model firmwareVersion serialNumber }
    profiles { token name encoding width height }
"""


async def test_added_camera_comes_online_with_its_device_info(
    client: httpx.AsyncClient,
):
    added = await add_camera(client, "Lobby", fps=15)

    await wait_for_status(client, added["id"], "ONLINE")
    answer = await graphql(
        client,
        f"query($id: ID!) {{ camera(id: $id) {{ {CAMERA_FIELDS} }} }}",
        {"id": added["id"]},
    )

    camera = answer["data"]["camera"]
    assert camera["name"] == "Lobby"
    assert camera["driver"] == "simulated"
    assert camera["settings"]["fps"] == 15
    assert camera["lastError"] is None and camera["lastSeenAt"]
    assert {"SNAPSHOT", "PTZ", "PTZ_PRESETS"} <= set(camera["capabilities"])
    assert camera["deviceInfo"]["serialNumber"] == f"SIM-{added['id']}"
    assert camera["profiles"] == [
        {
            "token": "main",
            "name": "Main",
            "encoding": "JPEG",
            "width": 640,
            "height": 360,
        }
    ]
    assert camera["snapshotUrl"].endswith(f"/api/cameras/{added['id']}/snapshot.jpg")


async def test_cameras_pages_follow_cursors_without_overlap(client: httpx.AsyncClient):
    for number in range(5):
        await add_camera(client, f"Camera {number}")
    query = """query($after: String) { cameras(first: 2, after: $after) {
        edges { cursor node { name } } pageInfo { hasNextPage endCursor } totalCount } }"""

    names, after, pages = [], None, 0
    while True:
        page = (await graphql(client, query, {"after": after}))["data"]["cameras"]
        names += [edge["node"]["name"] for edge in page["edges"]]
        pages += 1
        assert page["totalCount"] == 5
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert names == [f"Camera {n}" for n in range(5)]
    assert pages == 3


async def test_cameras_filter_by_driver_status_and_name(client: httpx.AsyncClient):
    lobby = await add_camera(client, "Lobby door")
    await add_camera(client, "Yard", "test-snapshot-only")
    await add_camera(client, "Back door", fail_connect=True)
    await wait_for_status(client, lobby["id"], "ONLINE")
    query = """query($filter: CameraFilter) { cameras(filter: $filter) {
        totalCount edges { node { name } } } }"""

    async def names(filter: dict[str, str]) -> list[str]:
        page = (await graphql(client, query, {"filter": filter}))["data"]["cameras"]
        assert page["totalCount"] == len(page["edges"])
        return [edge["node"]["name"] for edge in page["edges"]]

    assert await names({"driver": "test-snapshot-only"}) == ["Yard"]
    assert await names({"nameContains": "DOOR"}) == ["Lobby door", "Back door"]
    assert await names({"status": "OFFLINE", "driver": "simulated"}) == ["Back door"]


async def test_a_malformed_cursor_is_bad_user_input(client: httpx.AsyncClient):
    answer = await graphql(client, '{ cameras(after: "not-a-cursor") { totalCount } }')

    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_page_size_over_the_maximum_is_refused(client: httpx.AsyncClient):
    answer = await graphql(client, "{ cameras(first: 101) { totalCount } }")

    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_add_camera_names_each_bad_setting(client: httpx.AsyncClient):
    answer = await graphql(
        client,
        """mutation { addCamera(input: {name: "X", driver: "simulated",
            settings: {brightness: 101, fps: 0, colour: "red"}}) { id } }""",
    )

    error = answer["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert set(error["extensions"]["fields"]) == {"brightness", "fps", "colour"}
    cameras = await graphql(client, "{ cameras { totalCount } }")
    assert cameras["data"]["cameras"]["totalCount"] == 0


async def test_add_camera_with_unknown_driver_or_taken_name_is_refused(
    client: httpx.AsyncClient,
):
    await add_camera(client, "Gate")
    mutation = "mutation($i: AddCameraInput!) { addCamera(input: $i) { id } }"

    unknown = await graphql(client, mutation, {"i": {"name": "G2", "driver": "nope"}})
    taken = await graphql(
        client, mutation, {"i": {"name": "Gate", "driver": "simulated"}}
    )
    blank = await graphql(
        client, mutation, {"i": {"name": "  ", "driver": "simulated"}}
    )

    assert unknown["errors"][0]["extensions"]["code"] == "DRIVER_NOT_INSTALLED"
    assert taken["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert blank["errors"][0]["extensions"]["fields"] == {
        "name": "1 to 200 printable characters"
    }


async def test_update_camera_renames_and_reconnects_with_merged_settings(
    client: httpx.AsyncClient,
):
    camera = await add_camera(client, "Old", fps=5, brightness=20)
    mutation = """mutation($id: ID!, $input: UpdateCameraInput!) {
        updateCamera(id: $id, input: $input) { name settings } }"""

    answer = await graphql(
        client,
        mutation,
        {"id": camera["id"], "input": {"name": "New", "settings": {"fps": 7}}},
    )

    updated = answer["data"]["updateCamera"]
    assert updated["name"] == "New"
    assert updated["settings"]["fps"] == 7
    assert updated["settings"]["brightness"] == 20
    await wait_for_status(client, camera["id"], "ONLINE")


async def test_delete_camera_forgets_it(client: httpx.AsyncClient):
    camera = await add_camera(client, "Temporary")

    deleted = await graphql(
        client, 'mutation { deleteCamera(id: "%s") }' % camera["id"]
    )
    again = await graphql(client, 'mutation { deleteCamera(id: "%s") }' % camera["id"])

    assert deleted["data"]["deleteCamera"] == camera["id"]
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    gone = await graphql(client, '{ camera(id: "%s") { id } }' % camera["id"])
    assert gone["data"]["camera"] is None


async def test_configure_camera_applies_settings_live(client: httpx.AsyncClient):
    camera = await add_camera(client, "Dim", brightness=10)
    await wait_for_status(client, camera["id"], "ONLINE")

    answer = await graphql(
        client,
        'mutation { configureCamera(cameraId: "%s", settings: {brightness: 90, width: 320})'
        " { settings profiles { width } } }" % camera["id"],
    )

    configured = answer["data"]["configureCamera"]
    assert configured["settings"]["brightness"] == 90
    assert configured["settings"]["width"] == 320
    jpeg = (await client.get(f"/api/cameras/{camera['id']}/snapshot.jpg")).content
    assert cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR).shape[1] == 320


async def test_configure_camera_names_each_bad_field(client: httpx.AsyncClient):
    camera = await add_camera(client, "Strict")
    await wait_for_status(client, camera["id"], "ONLINE")

    answer = await graphql(
        client,
        'mutation { configureCamera(cameraId: "%s", settings: {fps: 500, brightness: -1})'
        " { id } }" % camera["id"],
    )

    error = answer["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert set(error["extensions"]["fields"]) == {"fps", "brightness"}
    assert "fps" in error["message"] and "brightness" in error["message"]


async def test_ptz_moves_stops_and_returns_to_a_preset(client: httpx.AsyncClient):
    camera = await add_camera(client, "Dome")
    await wait_for_status(client, camera["id"], "ONLINE")
    cid = camera["id"]
    status = "{ position { pan tilt zoom } isMoving }"

    absolute = await graphql(
        client,
        f'mutation {{ ptzMove(cameraId: "{cid}", pan: 0.5, tilt: -0.25, zoom: 0.5,'
        f" mode: ABSOLUTE) {status} }}",
    )
    preset = await graphql(
        client,
        f'mutation {{ setPreset(cameraId: "{cid}", name: "Door") {{ token name }} }}',
    )
    moving = await graphql(
        client, f'mutation {{ ptzMove(cameraId: "{cid}", pan: -1) {status} }}'
    )
    stopped = await graphql(
        client, f'mutation {{ ptzStop(cameraId: "{cid}") {status} }}'
    )
    token = preset["data"]["setPreset"]["token"]
    back = await graphql(
        client,
        f'mutation {{ gotoPreset(cameraId: "{cid}", token: "{token}") {status} }}',
    )
    presets = await graphql(
        client, f'{{ camera(id: "{cid}") {{ presets {{ name }} }} }}'
    )
    home = await graphql(client, f'mutation {{ gotoHome(cameraId: "{cid}") {status} }}')
    removed = await graphql(
        client, f'mutation {{ removePreset(cameraId: "{cid}", token: "{token}") }}'
    )
    unknown = await graphql(
        client, f'mutation {{ removePreset(cameraId: "{cid}", token: "{token}") }}'
    )

    assert absolute["data"]["ptzMove"]["position"] == {
        "pan": 0.5,
        "tilt": -0.25,
        "zoom": 0.5,
    }
    assert moving["data"]["ptzMove"]["isMoving"] is True
    assert stopped["data"]["ptzStop"]["isMoving"] is False
    assert stopped["data"]["ptzStop"]["position"]["pan"] < 0.5
    assert back["data"]["gotoPreset"]["position"] == {
        "pan": 0.5,
        "tilt": -0.25,
        "zoom": 0.5,
    }
    assert presets["data"]["camera"]["presets"] == [{"name": "Door"}]
    assert home["data"]["gotoHome"]["position"] == {
        "pan": 0.0,
        "tilt": 0.0,
        "zoom": 0.0,
    }
    assert removed == {"data": {"removePreset": True}}
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_ptz_values_out_of_range_are_bad_user_input(client: httpx.AsyncClient):
    camera = await add_camera(client, "Dome")
    await wait_for_status(client, camera["id"], "ONLINE")

    answer = await graphql(
        client,
        'mutation { ptzMove(cameraId: "%s", pan: 3, mode: ABSOLUTE) { isMoving } }'
        % camera["id"],
    )

    assert answer["errors"][0]["extensions"]["fields"] == {
        "pan": "must be between -1 and 1"
    }


async def test_goto_unknown_preset_is_not_found(client: httpx.AsyncClient):
    camera = await add_camera(client, "Dome")
    await wait_for_status(client, camera["id"], "ONLINE")

    answer = await graphql(
        client,
        'mutation { gotoPreset(cameraId: "%s", token: "nope") { isMoving } }'
        % camera["id"],
    )

    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_ptz_on_a_camera_without_ptz_is_not_supported(client: httpx.AsyncClient):
    camera = await add_camera(client, "Fixed", "test-snapshot-only")
    await wait_for_status(client, camera["id"], "ONLINE")
    cid = camera["id"]

    move = await graphql(
        client, f'mutation {{ ptzMove(cameraId: "{cid}", pan: 1) {{ isMoving }} }}'
    )
    preset = await graphql(
        client, f'mutation {{ setPreset(cameraId: "{cid}", name: "A") {{ token }} }}'
    )
    configure = await graphql(
        client,
        f'mutation {{ configureCamera(cameraId: "{cid}", settings: {{}}) {{ id }} }}',
    )
    field = await graphql(
        client, f'{{ camera(id: "{cid}") {{ name ptzStatus {{ isMoving }} }} }}'
    )

    for answer in (move, preset, configure, field):
        assert answer["errors"][0]["extensions"]["code"] == "NOT_SUPPORTED", answer
    assert field["data"]["camera"]["name"] == "Fixed"


async def test_camera_operations_on_unknown_ids_are_not_found(
    client: httpx.AsyncClient,
):
    answers = [
        await graphql(client, 'mutation { ptzStop(cameraId: "999") { isMoving } }'),
        await graphql(client, 'mutation { ptzStop(cameraId: "abc") { isMoving } }'),
        await graphql(
            client, 'mutation { updateCamera(id: "999", input: {name: "x"}) { id } }'
        ),
    ]

    for answer in answers:
        assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await graphql(client, '{ camera(id: "abc") { id } }'))["data"][
        "camera"
    ] is None


async def test_snapshot_is_a_jpeg_of_the_configured_size(client: httpx.AsyncClient):
    camera = await add_camera(client, "Snap", width=320, height=240)
    await wait_for_status(client, camera["id"], "ONLINE")

    response = await client.get(f"/api/cameras/{camera['id']}/snapshot.jpg")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (240, 320, 3)


@pytest.mark.parametrize(
    ("camera_id", "status", "code"),
    [
        ("999", 404, "NOT_FOUND"),
        ("abc", 404, "NOT_FOUND"),
        ("9" * 30, 404, "NOT_FOUND"),
    ],
)
async def test_snapshot_of_unknown_camera_is_refused(
    client: httpx.AsyncClient, camera_id: str, status: int, code: str | None
):
    response = await client.get(f"/api/cameras/{camera_id}/snapshot.jpg")

    assert response.status_code == status
    if code:
        assert response.json()["code"] == code


async def test_snapshot_of_offline_camera_is_unreachable(client: httpx.AsyncClient):
    camera = await add_camera(client, "Unplugged", fail_connect=True)
    await wait_for_status(client, camera["id"], "OFFLINE")

    response = await client.get(f"/api/cameras/{camera['id']}/snapshot.jpg")

    assert response.status_code == 503
    assert response.json()["code"] == "CAMERA_UNREACHABLE"


async def test_a_hung_camera_call_times_out_as_unreachable(client: httpx.AsyncClient):
    camera = await add_camera(client, "Hung", "test-hanging")
    await wait_for_status(client, camera["id"], "ONLINE")

    response = await client.get(f"/api/cameras/{camera['id']}/snapshot.jpg")

    assert response.status_code == 503
    assert response.json()["code"] == "CAMERA_UNREACHABLE"


async def test_settings_never_show_a_password(client: httpx.AsyncClient):
    camera = await add_camera(
        client, "Secret", "test-snapshot-only", password="p@ss:w/rd"
    )

    answer = await graphql(client, '{ camera(id: "%s") { settings } }' % camera["id"])

    assert answer["data"]["camera"]["settings"] == {"username": "admin"}
    assert "p@ss" not in str(answer)


async def test_drivers_lists_installed_drivers_with_settings_schema(
    client: httpx.AsyncClient,
):
    answer = await graphql(client, "{ drivers { name capabilities settingsSchema } }")

    drivers = {d["name"]: d for d in answer["data"]["drivers"]}
    assert "simulated" in drivers
    simulated = drivers["simulated"]
    assert "PTZ" in simulated["capabilities"]
    properties = simulated["settingsSchema"]["properties"]
    assert properties["brightness"]["maximum"] == 100
    assert {"fps", "width", "height", "motion_interval_s"} <= set(properties)
