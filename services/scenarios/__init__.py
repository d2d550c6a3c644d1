"""The application-scenario market (policy 12(4)): scenarios, pushes, 揭榜, 遴选, delivery."""
