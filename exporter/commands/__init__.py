"""The commands of the command line, one module each (``export``, ``inspect``, ``verify``); the options and input
checks they share are in :mod:`exporter.commands.common`. The group itself is :mod:`exporter.cli`."""
