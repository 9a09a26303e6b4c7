"""DRF viewsets over Services resources: the same callbacks in DRF's own idiom."""
