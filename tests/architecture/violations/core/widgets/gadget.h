// An unknown floor.
