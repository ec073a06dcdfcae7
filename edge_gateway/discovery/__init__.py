"""Finding cameras on the network: WS-Discovery probes, merged into one list."""
