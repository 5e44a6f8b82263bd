"""Booking's models, one module per kind, imported here so that Django and Wagtail find
them. Code imports each from its own module (`from booking.models.bookings import
Booking`), never from this package: the page's routes import the views, and the views
import the bookings' models, so importing the package from those would go round in a
circle (tests/test_architecture.py)."""

from .booking_page import BookingPage
from .bookings import BookableService, Booking, BookingEvent, Closure, OpeningRule

__all__ = ["BookableService", "Booking", "BookingEvent", "BookingPage", "Closure",
           "OpeningRule"]
