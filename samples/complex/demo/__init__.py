"""Demo shop package used by samples/complex/complex_app.py."""
