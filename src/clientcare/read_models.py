"""The read models a web layer answers with, gathered from the areas.

Each is a frozen attrs class holding what staff see and nothing internal
(no tenant, no version, no history, no before/after values of a profile).
:func:`clientcare.serialization.unstructure` turns one into JSON and
:func:`clientcare.serialization.json_schema` describes that JSON::

    from clientcare import read_models, serialization

    view = care.customers.view(customer_id)             # a CustomerView
    serialization.unstructure(view)                     # its JSON
    serialization.json_schema(read_models.CustomerView)  # its schema

Where they come from: ``care.customers.view(id)``, ``CustomerList.of(care.customers.page(...))``,
``care.boards.weekly(...)`` (a :class:`WeeklyBoard` of :class:`BoardItem` and
:class:`AppointmentItem`), ``TouchView.of(care.touches.get(id))``,
``ComplaintView.of(care.complaints.get(id))``. See docs/api.md.
"""

from clientcare.cadences import AppointmentItem, BoardItem, TouchView, WeeklyBoard
from clientcare.complaints import ComplaintStepView, ComplaintView
from clientcare.customers import Contact, CustomerList, CustomerListItem, CustomerView

#: Every read model, for a web layer that generates its response models from them.
ALL: tuple[type, ...] = (
    AppointmentItem,
    BoardItem,
    ComplaintStepView,
    ComplaintView,
    Contact,
    CustomerList,
    CustomerListItem,
    CustomerView,
    TouchView,
    WeeklyBoard,
)

__all__ = [
    "ALL",
    "AppointmentItem",
    "BoardItem",
    "ComplaintStepView",
    "ComplaintView",
    "Contact",
    "CustomerList",
    "CustomerListItem",
    "CustomerView",
    "TouchView",
    "WeeklyBoard",
]
