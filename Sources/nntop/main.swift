print("nntop: under construction")
