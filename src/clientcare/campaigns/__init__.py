"""Campaigns to past buyers within their window and consent (P70, P71)."""

from clientcare.campaigns._service import CampaignReport, CampaignsService, campaign_reference

__all__ = ["CampaignReport", "CampaignsService", "campaign_reference"]
