"""Tests of pakn.workdays: the working calendar and deadline arithmetic."""
