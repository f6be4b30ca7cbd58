// Most of these tests wait on fmp processes, chains and databases rather than on the CPU: xunit's default (one test
// per core, and a test that awaits keeps its place) left a core idle while a test waited out an outage or a node's
// next scan. Four at a time keeps both cores busy.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
