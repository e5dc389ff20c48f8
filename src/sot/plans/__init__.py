"""Planning runs from the browser: the coordinator starts one on /planering/, a
background task runs `sot.planning` (road network or straight-line model), and the
run's maps and tables are kept and listed (Django app)."""
