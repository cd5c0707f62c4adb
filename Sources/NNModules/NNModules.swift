// The NNModules target; its files are added by the issues that build it.
