"""Who may use the gateway: users, service tokens, signed access tokens and roles."""
