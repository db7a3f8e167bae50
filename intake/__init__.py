"""The intake core: models, services (the only write path), web, tasks, CLI."""
