"""The course side: exercise logic, widgets and what course notebooks call (:mod:`.lessons`)."""
