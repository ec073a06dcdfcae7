"""A simulated ONVIF camera: SOAP over HTTP, answering like a real one."""
