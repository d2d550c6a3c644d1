"""The catalogue market (policy 12(1)-(3)): the new-technology / new-product (service) list,
SOEs' procurement needs with special docking, and launch events on the first-release platform."""
