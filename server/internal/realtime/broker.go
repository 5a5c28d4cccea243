package realtime

// Broker carries events from the instance that published them to the hub
// of every instance, this one included. Today the board runs as one
// process and LocalBroker hands events straight to the hub. Several
// instances behind a load balancer would plug in a NATS subject or a
// MongoDB change stream here; the features, which only call Publish, do
// not change. A broker must deliver the events of one topic in seq order
// and only once per instance: the hub sends a `reset` to a subscription
// that sees a seq jump, so a lost event costs a refetch, never a silent gap.
type Broker interface {
	// Start makes the broker call deliver for every batch published on
	// any instance. It is called once, before the first Publish.
	Start(deliver func([]*Event))
	// Publish sends a batch of stored events of one topic (in seq order,
	// stored together) or one transient event. A batch is queued to each
	// connection as one message; keeping it together keeps bursts from
	// overflowing the send queues.
	Publish(evs []*Event)
}

// LocalBroker is the single-process broker.
type LocalBroker struct{ deliver func([]*Event) }

// Start implements Broker.
func (b *LocalBroker) Start(deliver func([]*Event)) { b.deliver = deliver }

// Publish implements Broker.
func (b *LocalBroker) Publish(evs []*Event) { b.deliver(evs) }
