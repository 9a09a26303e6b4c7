"""The data migration of the demo endpoints, shared by the demo's migrations. Frozen.

Each migration that enables resources or settings on the demo endpoints (0002, 0004, 0006,
0007, 0011, 0012, 0013) runs ``apply_endpoints``: it writes the endpoints as
``project.demo.endpoints`` declares them, through the historical models of the migration
running it. ``apply_demo_endpoints`` writes only the fields those models have and updates in
place, so an early migration keeps working after later ones add endpoint settings, and running
it again changes nothing.

Frozen: applied migrations rely on this function's name and behaviour. A migration that needs
something else gets a function of its own here. (Django loads no module whose name starts with
``_`` as a migration.)
"""


def apply_endpoints(apps, schema_editor) -> None:
    from project.demo.endpoints import apply_demo_endpoints

    apply_demo_endpoints(
        apps.get_model("services_api", "Endpoint"),
        apps.get_model("services_api", "EndpointResource"),
    )
