"""The example resource: a catalogue of items, stored in the database."""
