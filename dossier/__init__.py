"""dossier: a YAML file of vetted, source-anchored facts, turned into a browsable static site.

The pipeline reads from the folder listing: ``load`` → ``check`` → ``render`` → ``site``;
``build.build()`` strings the stages together.
"""

__version__ = "0.1.0"
