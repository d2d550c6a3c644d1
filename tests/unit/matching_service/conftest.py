from tests.integration.matching_service import backbone

backbone.install()
