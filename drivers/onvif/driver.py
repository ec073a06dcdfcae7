"""The ONVIF driver: one camera through its device, media and PTZ services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from onvif import ONVIFCamera
from onvif.exceptions import ONVIFAuthError
from pydantic import BaseModel

from drivers.onvif.connection import (
    NS_EVENTS,
    NS_IMAGING,
    NS_MEDIA2,
    NS_PTZ,
    Session,
    open_session,
    remeasure_clock,
)
from drivers.onvif.errors import translated
from drivers.onvif.events import SubscriptionHealth, pull_point_events
from drivers.onvif.media import media_profile, with_credentials
from drivers.onvif.settings import ONVIFSettings
from drivers.onvif.topics import topics_in_set
from edge_gateway.cameras.driver import (
    CameraContext,
    CameraEvent,
    Capability,
    DeviceInfo,
    Driver,
    MediaProfile,
    PTZMode,
    PTZPreset,
    PTZStatus,
    PTZVector,
)
from edge_gateway.errors import (
    AuthFailedError,
    CameraRejectedError,
    CameraUnreachableError,
    ONVIFFaultError,
)

logger = logging.getLogger(__name__)

# Driver setting names and the ImagingSettings elements they stand for.
IMAGING_FIELDS = {
    "brightness": "Brightness",
    "contrast": "Contrast",
    "color_saturation": "ColorSaturation",
    "sharpness": "Sharpness",
}
# Driver setting names and the RateControl elements they stand for.
ENCODER_FIELDS = {
    "encoder_fps": "FrameRateLimit",
    "encoder_bitrate_kbps": "BitrateLimit",
}

STREAM_SETUP = {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}}


class ONVIFDriver(Driver[ONVIFSettings]):
    """A camera that speaks ONVIF (Profile S; Profile T features where present)."""

    name = "onvif"
    settings_model = ONVIFSettings
    capabilities = frozenset(
        {
            Capability.SNAPSHOT,
            Capability.STREAM,
            Capability.PTZ,
            Capability.PTZ_PRESETS,
            Capability.EVENTS,
            Capability.IMAGING,
            Capability.ENCODER,
            Capability.SETTINGS,
            Capability.TIME_SYNC,
            Capability.REBOOT,
        }
    )

    def __init__(self, camera: CameraContext, settings: ONVIFSettings) -> None:
        super().__init__(camera, settings)
        self._session: Session | None = None
        self._profiles: list[MediaProfile] = []
        self._found: frozenset[Capability] = frozenset()
        self.event_health = SubscriptionHealth()
        self._video_source: str | None = None
        self._encoder_token: str | None = None

    @property
    def camera_capabilities(self) -> frozenset[Capability]:
        """What this camera was found to offer at connect."""
        return self._found

    async def connect(self) -> DeviceInfo:
        """Open the session, read the device's identity, and probe its services."""
        session = await open_session(self.settings, self.camera.name)
        self._session = session
        self.clock_skew_s = session.clock_skew_s
        if abs(session.clock_skew_s) > 300:
            logger.warning(
                "camera %s: clock is %.0f s off; compensating (set its time or NTP)",
                self.camera.camera_id,
                session.clock_skew_s,
            )
        try:
            async with translated(self.camera.name, "GetDeviceInformation"):
                device = await session.camera.create_devicemgmt_service()
                info = await device.GetDeviceInformation()
            await self._probe(session)
        except BaseException:
            await self.close()
            raise
        return DeviceInfo(
            manufacturer=_text(info, "Manufacturer"),
            model=_text(info, "Model"),
            firmware_version=_text(info, "FirmwareVersion"),
            serial_number=_text(info, "SerialNumber"),
        )

    async def close(self) -> None:
        """Close the session's HTTP clients."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.camera.close()

    async def check_health(self) -> None:
        """Ask the camera's time, which every ONVIF camera answers."""
        camera = self._camera()
        async with translated(self.camera.name, "GetSystemDateAndTime"):
            device = await camera.create_devicemgmt_service()
            await device.GetSystemDateAndTime()

    async def profiles(self) -> list[MediaProfile]:
        """The media profiles read at connect."""
        return list(self._profiles)

    async def stream_uri(self, profile: str) -> str:
        """The RTSP URI of a profile, with the credentials inserted."""
        if Capability.STREAM not in self._found:
            raise self._unsupported("streams")
        camera = self._camera()
        async with translated(self.camera.name, "GetStreamUri"):
            media = await camera.create_media_service()
            answer = await media.GetStreamUri(
                {"StreamSetup": STREAM_SETUP, "ProfileToken": profile}
            )
        return with_credentials(
            str(answer.Uri),
            self.settings.username,
            self.settings.password.get_secret_value(),
            self.settings.host,
        )

    async def snapshot(self, profile: str | None = None) -> bytes:
        """A JPEG through the camera's snapshot URI, with digest or basic auth."""
        if Capability.SNAPSHOT not in self._found:
            raise self._unsupported("snapshots")
        camera = self._camera()
        token = profile or self._first_profile()
        async with translated(self.camera.name, "snapshot"):
            try:
                jpeg = await camera.get_snapshot(token)
            except ONVIFAuthError:
                jpeg = await camera.get_snapshot(token, basic_auth=True)
        if not jpeg:
            raise CameraRejectedError(
                f"camera {self.camera.name!r} gave no snapshot for profile {token!r}"
            )
        return bytes(jpeg)

    async def events(self) -> AsyncIterator[CameraEvent]:
        """Events through a PullPoint subscription, renewed and re-created."""
        if Capability.EVENTS not in self._found:
            raise self._unsupported("events")
        async for event in pull_point_events(
            self._camera(), self.camera.name, self.event_health
        ):
            yield event

    async def reboot(self) -> None:
        """SystemReboot."""
        async with translated(self.camera.name, "SystemReboot"):
            device = await self._camera().create_devicemgmt_service()
            await device.SystemReboot()

    async def sync_time(self) -> None:
        """Set the camera's clock to ours in UTC, then measure the skew again."""
        camera = self._camera()
        now = datetime.now(UTC)
        request = {
            "DateTimeType": "Manual",
            "DaylightSavings": False,
            "TimeZone": {"TZ": "UTC0"},
            "UTCDateTime": {
                "Date": {"Year": now.year, "Month": now.month, "Day": now.day},
                "Time": {"Hour": now.hour, "Minute": now.minute, "Second": now.second},
            },
        }
        async with translated(self.camera.name, "SetSystemDateAndTime"):
            device = await camera.create_devicemgmt_service()
            await device.SetSystemDateAndTime(request)
        self.clock_skew_s = await remeasure_clock(camera, self.camera.name)

    async def get_settings(self) -> dict[str, Any]:
        """The imaging and encoder settings as the camera has them now."""
        settings: dict[str, Any] = {}
        if Capability.IMAGING in self._found:
            imaging = await self._imaging_values()
            settings |= {f: imaging.get(n) for f, n in IMAGING_FIELDS.items()}
        if Capability.ENCODER in self._found:
            rate = (await self._encoder_configuration()).RateControl
            settings |= {
                field: getattr(rate, name, None)
                for field, name in ENCODER_FIELDS.items()
            }
        return settings

    async def apply_settings(self, changes: BaseModel) -> dict[str, Any]:
        """Set the changed imaging and encoder settings; return what they were."""
        previous = await self._apply_imaging(changes)
        previous |= await self._apply_encoder(changes)
        return previous

    async def remove_preset(self, token: str) -> None:
        """RemovePreset."""
        ptz = await self._ptz()
        async with translated(self.camera.name, "RemovePreset"):
            await ptz.RemovePreset(
                {"ProfileToken": self._first_profile(), "PresetToken": token}
            )

    async def goto_home(self) -> PTZStatus:
        """GotoHomePosition."""
        ptz = await self._ptz()
        async with translated(self.camera.name, "GotoHomePosition"):
            await ptz.GotoHomePosition({"ProfileToken": self._first_profile()})
        return await self.ptz_status()

    async def _apply_encoder(self, changes: BaseModel) -> dict[str, Any]:
        wanted = {
            name: getattr(changes, field)
            for field, name in ENCODER_FIELDS.items()
            if field in changes.model_fields_set and getattr(changes, field) is not None
        }
        if not wanted:
            return {}
        configuration = await self._encoder_configuration()
        rate = configuration.RateControl
        previous = {
            field: getattr(rate, name, None)
            for field, name in ENCODER_FIELDS.items()
            if name in wanted
        }
        for name, value in wanted.items():
            setattr(rate, name, value)
        async with translated(self.camera.name, "SetVideoEncoderConfiguration"):
            media = await self._camera().create_media_service()
            await media.SetVideoEncoderConfiguration(
                {"Configuration": configuration, "ForcePersistence": True}
            )
        return previous

    async def _encoder_configuration(self) -> Any:
        if Capability.ENCODER not in self._found or not self._encoder_token:
            raise self._unsupported("encoder settings")
        async with translated(self.camera.name, "GetVideoEncoderConfiguration"):
            media = await self._camera().create_media_service()
            return await media.GetVideoEncoderConfiguration(
                {"ConfigurationToken": self._encoder_token}
            )

    async def _apply_imaging(self, changes: BaseModel) -> dict[str, Any]:
        wanted = {
            name: getattr(changes, field)
            for field, name in IMAGING_FIELDS.items()
            if field in changes.model_fields_set and getattr(changes, field) is not None
        }
        if not wanted:
            return {}
        previous = await self._imaging_values()
        async with translated(self.camera.name, "SetImagingSettings"):
            imaging = await self._camera().create_imaging_service()
            await imaging.SetImagingSettings(
                {
                    "VideoSourceToken": self._video_source,
                    "ImagingSettings": wanted,
                    "ForcePersistence": True,
                }
            )
        return {
            field: previous.get(name)
            for field, name in IMAGING_FIELDS.items()
            if name in wanted
        }

    async def _imaging_values(self) -> dict[str, float]:
        if Capability.IMAGING not in self._found or not self._video_source:
            raise self._unsupported("imaging settings")
        async with translated(self.camera.name, "GetImagingSettings"):
            imaging = await self._camera().create_imaging_service()
            answer = await imaging.GetImagingSettings(
                {"VideoSourceToken": self._video_source}
            )
        return {
            name: float(value)
            for name in IMAGING_FIELDS.values()
            if (value := getattr(answer, name, None)) is not None
        }

    async def ptz_move(self, mode: PTZMode, vector: PTZVector) -> PTZStatus:
        """Move the head: a velocity, a translation or a position."""
        ptz = await self._ptz()
        request: dict[str, Any] = {"ProfileToken": self._first_profile()}
        values = {
            "PanTilt": {"x": vector.pan, "y": vector.tilt},
            "Zoom": {"x": vector.zoom},
        }
        async with translated(self.camera.name, f"{mode.title()}Move"):
            if mode is PTZMode.CONTINUOUS:
                await ptz.ContinuousMove({**request, "Velocity": values})
            elif mode is PTZMode.RELATIVE:
                await ptz.RelativeMove({**request, "Translation": values})
            else:
                await ptz.AbsoluteMove({**request, "Position": values})
        return await self.ptz_status()

    async def ptz_stop(self) -> PTZStatus:
        """Stop pan, tilt and zoom."""
        ptz = await self._ptz()
        async with translated(self.camera.name, "Stop"):
            await ptz.Stop(
                {"ProfileToken": self._first_profile(), "PanTilt": True, "Zoom": True}
            )
        return await self.ptz_status()

    async def ptz_status(self) -> PTZStatus:
        """Where the head stands, as the camera reports it."""
        ptz = await self._ptz()
        async with translated(self.camera.name, "GetStatus"):
            status = await ptz.GetStatus({"ProfileToken": self._first_profile()})
        return _ptz_status(status)

    async def ptz_presets(self) -> list[PTZPreset]:
        """The presets stored on the camera."""
        ptz = await self._ptz()
        async with translated(self.camera.name, "GetPresets"):
            presets = await ptz.GetPresets({"ProfileToken": self._first_profile()})
        return [
            PTZPreset(token=str(p.token), name=str(getattr(p, "Name", "") or p.token))
            for p in presets or []
        ]

    async def goto_preset(self, token: str) -> PTZStatus:
        """Move to a stored preset."""
        ptz = await self._ptz()
        async with translated(self.camera.name, "GotoPreset"):
            await ptz.GotoPreset(
                {"ProfileToken": self._first_profile(), "PresetToken": token}
            )
        return await self.ptz_status()

    async def set_preset(self, name: str) -> PTZPreset:
        """Store the current position under `name`."""
        ptz = await self._ptz()
        async with translated(self.camera.name, "SetPreset"):
            token = await ptz.SetPreset(
                {"ProfileToken": self._first_profile(), "PresetName": name}
            )
        return PTZPreset(token=str(token), name=name)

    async def _probe(self, session: Session) -> None:
        found = {Capability.TIME_SYNC, Capability.REBOOT}
        profiles = await self._media_profiles(session)
        self._profiles = [media_profile(p) for p in profiles]
        self._video_source = _video_source(profiles)
        self._encoder_token = _encoder_token(profiles)
        if self._encoder_token:
            found |= {Capability.ENCODER, Capability.SETTINGS}
        if self._profiles:
            found |= {Capability.STREAM}
            if await self._has_snapshot_uri(session.camera):
                found.add(Capability.SNAPSHOT)
        if NS_PTZ in session.services and any(
            getattr(p, "PTZConfiguration", None) for p in profiles
        ):
            found |= {Capability.PTZ, Capability.PTZ_PRESETS}
        if NS_EVENTS in session.services:
            found.add(Capability.EVENTS)
            self.event_topics = await self._event_topics(session)
        if NS_IMAGING in session.services and self._video_source:
            found |= {Capability.IMAGING, Capability.SETTINGS}
        self._found = frozenset(found)
        logger.debug(
            "camera %s: services %s; media2 %s",
            self.camera.camera_id,
            ", ".join(sorted(c.value for c in found)),
            NS_MEDIA2 in session.services,
        )

    async def _event_topics(self, session: Session) -> tuple[str, ...]:
        try:
            async with translated(self.camera.name, "GetEventProperties"):
                events = await session.camera.create_events_service()
                answer = await events.GetEventProperties()
        except ONVIFFaultError as err:
            logger.debug(
                "camera %s: no event properties: %s", self.camera.camera_id, err
            )
            return ()
        topic_set = getattr(answer, "TopicSet", None)
        return tuple(topics_in_set(getattr(topic_set, "_value_1", None) or []))

    async def _media_profiles(self, session: Session) -> list[Any]:
        # A camera without a usable media service still answers for the rest:
        # it stays online with no profiles, and streams and snapshots are
        # NOT_SUPPORTED.
        try:
            async with translated(self.camera.name, "GetProfiles"):
                media = await session.camera.create_media_service()
                return list(await media.GetProfiles() or [])
        except ONVIFFaultError as err:
            logger.debug("camera %s: no media profiles: %s", self.camera.camera_id, err)
            return []

    async def _has_snapshot_uri(self, camera: ONVIFCamera) -> bool:
        try:
            async with translated(self.camera.name, "GetSnapshotUri"):
                uri = await camera.get_snapshot_uri(self._profiles[0].token)
        except (ONVIFFaultError, CameraRejectedError) as err:
            if isinstance(err, AuthFailedError):
                raise
            return False
        return bool(uri)

    async def _ptz(self) -> Any:
        if Capability.PTZ not in self._found:
            raise self._unsupported("PTZ")
        async with translated(self.camera.name, "PTZ service"):
            return await self._camera().create_ptz_service()

    def _camera(self) -> ONVIFCamera:
        if self._session is None:
            raise CameraUnreachableError(
                f"camera {self.camera.name!r} is not connected"
            )
        return self._session.camera

    def _first_profile(self) -> str:
        if not self._profiles:
            raise self._unsupported("media profiles")
        return self._profiles[0].token


def _encoder_token(profiles: list[Any]) -> str | None:
    encoder = (
        getattr(profiles[0], "VideoEncoderConfiguration", None) if profiles else None
    )
    token = getattr(encoder, "token", None) if encoder is not None else None
    return str(token) if token else None


def _video_source(profiles: list[Any]) -> str | None:
    for profile in profiles:
        source = getattr(profile, "VideoSourceConfiguration", None)
        if source is not None and getattr(source, "SourceToken", None):
            return str(source.SourceToken)
    return None


def _text(info: Any, field: str) -> str | None:
    value = getattr(info, field, None)
    return str(value).strip() if value not in (None, "") else None


def _ptz_status(status: Any) -> PTZStatus:
    position = getattr(status, "Position", None)
    pan_tilt = getattr(position, "PanTilt", None) if position else None
    zoom = getattr(position, "Zoom", None) if position else None
    move = getattr(status, "MoveStatus", None)
    moving = any(
        str(getattr(move, axis, "IDLE")).upper() == "MOVING"
        for axis in ("PanTilt", "Zoom")
    )
    return PTZStatus(
        position=PTZVector(
            pan=float(getattr(pan_tilt, "x", 0.0) or 0.0),
            tilt=float(getattr(pan_tilt, "y", 0.0) or 0.0),
            zoom=float(getattr(zoom, "x", 0.0) or 0.0),
        ),
        is_moving=moving,
    )
