"""Streamlit pages: presentation only; every decision is made by a function in ``tutor``."""
