using Protocol.DevChain;
using Xunit;

namespace Protocol.TestSupport;

/// <summary>The dev chain (<see cref="AnvilChain"/>) as an xunit fixture: started before the tests of a class or collection, stopped after them.</summary>
public sealed class AnvilFixture : AnvilChain, IAsyncLifetime;
