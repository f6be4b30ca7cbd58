// Most of these tests wait on fmp processes, chains and databases rather than on the CPU: xunit's default (one test
// per core, and a test that awaits keeps its place) left a core idle while a test waited out an outage or a node's
// next scan. Four at a time keeps both cores busy.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]

// The longest collections (the guide walkthroughs, two and a half minutes and more of processes in a row; the database
// outage) start first, the short ones fill the other threads beside them.
[assembly: TestCollectionOrderer(Protocol.TestSupport.StartEarlyFirst.Name, Protocol.TestSupport.StartEarlyFirst.Assembly)]
