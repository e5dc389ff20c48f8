"""Plain geometry helpers (no Django): coordinate systems, polygons, WKB."""
