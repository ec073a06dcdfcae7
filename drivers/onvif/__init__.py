"""ONVIF cameras through onvif-zeep-async: device, media, PTZ."""

from drivers.onvif.driver import ONVIFDriver
from drivers.onvif.settings import ONVIFSettings

__all__ = ["ONVIFDriver", "ONVIFSettings"]
