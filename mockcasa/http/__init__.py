"""HTTP layers in front of the resources: request ids and errors, auth, and (later) limits and faults."""
