"""The evalkb service, its command line, HTTP API and web page."""
