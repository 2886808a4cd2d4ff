"""OPTIONS answers for the API."""

from rest_framework.metadata import SimpleMetadata


class DescriptiveMetadata(SimpleMetadata):
    """Describe the endpoint without its actions: DRF's version looks up the object, which some routes cannot."""

    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata

    def determine_actions(self, request, view):
        return {}
