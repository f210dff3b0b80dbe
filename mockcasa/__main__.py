import gc

# The threshold `mockcasa serve` runs with (serving.GC_THRESHOLD), from the first import on: the
# start-up allocates for good (modules, classes, models, the world), and CPython's default of 700
# ran ~45 ms of collections through it that found next to nothing to free.
gc.set_threshold(50_000, 20, 100)

from mockcasa.cli import main

raise SystemExit(main())
