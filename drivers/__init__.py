"""Camera drivers shipped with the gateway, one package each."""
