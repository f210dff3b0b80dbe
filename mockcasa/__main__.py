import gc

# The start-up's threshold (serving.STARTUP_GC_THRESHOLD), from the first import on: the start-up
# allocates for good (modules, classes, models, the world: ~95,000 container objects for the
# default one), and collecting found next to nothing to free: CPython's default of 700 ran ~45 ms
# of collections, serving's 50,000 one of ~11 ms. Serving's threshold applies once it is loaded.
gc.set_threshold(200_000, 20, 100)

from mockcasa.cli import main

raise SystemExit(main())
