// The model zoo target (samples/).
