"""The HTTP front end: FastAPI app, routes, schemas, security and the web page."""
