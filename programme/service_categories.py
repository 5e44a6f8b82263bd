"""The service categories of the Designers Italia municipal-site model.

Source: pa-website-validator-ng, src/audits/municipality_second_level_pages_audit/
menuItems.ts (the "Servizi" section's categories the validator accepts). The service
sheet's breadcrumb reads Home / Servizi / <category> / <title>.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.TextChoices):
    WORK_LIFE = "vita-lavorativa", _("Work life")
    EDUCATION = "educazione-e-formazione", _("Education and training")
    HEALTH = "salute-benessere-e-assistenza", _("Health, wellbeing and care")
    MOBILITY = "mobilita-e-trasporti", _("Mobility and transport")
    PLANNING = "catasto-e-urbanistica", _("Land registry and town planning")
    REGISTRY = "anagrafe-e-stato-civile", _("Registry office and civil status")
    TOURISM = "turismo", _("Tourism")
    JUSTICE = "giustizia-e-sicurezza-pubblica", _("Justice and public safety")
    TAXES = "tributi-finanze-e-contravvenzioni", _("Taxes, finance and fines")
    CULTURE = "cultura-e-tempo-libero", _("Culture and free time")
    ENVIRONMENT = "ambiente", _("Environment")
    BUSINESS = "imprese-e-commercio", _("Business and trade")
    PERMITS = "autorizzazioni", _("Permits")
    PROCUREMENT = "appalti-pubblici", _("Public procurement")
    AGRICULTURE = "agricoltura-e-pesca", _("Agriculture and fishing")


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Service active")
    INACTIVE = "inactive", _("Service not active")
