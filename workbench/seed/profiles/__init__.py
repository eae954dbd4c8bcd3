"""Seeding profiles' own generators: Python modules a profile's ``[catalog] generators`` names.

Each hands some tables of one schema to callables that make their rows; the catalog engine makes
every other table (see :mod:`workbench.seed.handover`).
"""
