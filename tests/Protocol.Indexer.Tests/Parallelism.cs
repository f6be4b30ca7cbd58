// Most of these tests wait on fmp processes, chains and databases rather than on the CPU (two of them ride out a
// minute-long outage): four at a time keeps both cores busy where xunit's default, one per core, left them idle.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
