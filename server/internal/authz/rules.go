package authz

// Action is something a subject may be allowed to do.
type Action uint8

// The actions; keep actions (below) in step.
const (
	TakePart         Action = iota // read and write the forums, search, notifications, drafts
	ManageCategories               // create, update, archive and reorder categories
	ReviewEnrolments               // list, approve and reject administrations
	ManageUsers                    // list users, change roles, suspend
	Invite                         // invite a member into an administration
	CreateThread                   // open a thread in a category
	Reply                          // reply in a thread
	EditThread                     // change a thread's title or tags
	ModerateThread                 // lock or pin a thread
	EditPost                       // change a post's body
	DeletePost                     // delete a post (the placeholder stays)
	GiveDeleteReason               // say why a post was deleted
	React                          // add or remove a reaction on a post
	ReadPostFiles                  // download the files attached to a post
	ReadPostHistory                // list a post's earlier versions
	ReadDeletedPost                // read what a deleted post said, and who deleted it
	SubscribeForum                 // follow the forum's live topics (forum, category:, thread:)
	SubscribeUser                  // follow a user's own live topic (user:)
	// Experience records (package experiences).
	CreateExperience         // start a record for one's own administration
	EditExperience           // save a record's fields (a new version)
	PublishExperience        // publish a draft record
	ReadExperience           // read a record (drafts: its administration and moderators)
	ReadExperienceHistory    // list a record's versions and their differences
	AttachExperienceDocument // attach a document (atto) to a record
	// Cell comments (package cellnotes).
	ReadCellComments // read the comments on a record's cells
	CommentCell      // comment on a cell of a record
	// The audit log (package audit).
	ReadAuditLog       // read and export every entry of the audit log
	ReadModerationLog  // read and export the audit log's moderation entries (threads, posts)
	CreateRoom         // open a live room
	ManageRoom         // change a room's settings, archive it
	ReadRoom           // enter a room: list it, read its messages, join it
	SendMessage        // send a message in a room
	EditMessage        // change a message's body (the edit window applies)
	DeleteMessage      // delete a message (a placeholder stays)
	ReactMessage       // add or remove a reaction on a message
	ReadMessageHistory // read a message's earlier versions and a deleted one's text
	MuteMember         // mute a member of a room for a while
	ReportMessage      // report a message to the moderators
	PromoteMessage     // turn a message and its replies into a forum thread
	SubscribeRoom      // follow a room's live topic (room:)
	// Curation of threads and users (moderation).
	MoveThread     // move a thread to another category
	MergeThreads   // merge a thread into another
	SplitThread    // move some posts of a thread into a new thread
	SuspendUser    // suspend or reinstate a user
	ModerateUser   // read and write moderators' notes on a user, read their moderation history
	ManageSettings // change the board's settings (the enrolment deadline)
	// Saved comparison tables (package tables).
	CreateTable    // save a comparison table (tavolo)
	ReadTable      // list and read tables, compare records
	EditTable      // change a table's name, columns, shared row order
	ExportTable    // export a comparison as CSV or XLSX
	SubscribeTable // follow a table's live topic (table:)
	// Reports and the review queue (package moderation).
	ReportItem   // report a post, a message, an experience to the moderators
	ReviewQueue  // read the review queue and follow its live topic (moderation)
	ModerateItem // dismiss reports, hide, restore, delete a reported item, warn its author
	// Reports of experience records and their cell comments: ReportItem, on
	// items whose readers depend on the record's administration and state.
	ReportExperience  // report a published record to the moderators
	ReportCellComment // report a comment on a record's cell to the moderators
	numActions
)

// Dims says which item dimensions matter to an action: the generated tests
// build one case per role × each listed dimension.
type Dims struct {
	Owner          bool
	Administration bool
	States         State // each state the item may be in
}

// ActionInfo names an action and the dimensions of its items.
type ActionInfo struct {
	Name string
	Dims Dims
}

var actions = [numActions]ActionInfo{
	TakePart:         {Name: "take part"},
	ManageCategories: {Name: "manage categories"},
	ReviewEnrolments: {Name: "review enrolments"},
	ManageUsers:      {Name: "manage users"},
	Invite:           {Name: "invite", Dims: Dims{Administration: true}},
	CreateThread:     {Name: "create thread", Dims: Dims{States: Archived}},
	Reply:            {Name: "reply", Dims: Dims{States: Locked | Archived}},
	EditThread:       {Name: "edit thread", Dims: Dims{Owner: true, States: Locked}},
	ModerateThread:   {Name: "lock or pin thread", Dims: Dims{States: Locked}},
	EditPost:         {Name: "edit post", Dims: Dims{Owner: true, States: Deleted}},
	DeletePost:       {Name: "delete post", Dims: Dims{Owner: true}},
	GiveDeleteReason: {Name: "give delete reason", Dims: Dims{Owner: true}},
	React:            {Name: "react", Dims: Dims{Owner: true, States: Deleted}},
	ReadPostFiles:    {Name: "read post files", Dims: Dims{States: Deleted}},
	ReadPostHistory:  {Name: "read post history", Dims: Dims{States: Deleted}},
	ReadDeletedPost:  {Name: "read deleted post"},
	SubscribeForum:   {Name: "subscribe forum topics", Dims: Dims{States: Archived}},
	SubscribeUser:    {Name: "subscribe user topic", Dims: Dims{Owner: true}},
	// Experience records.
	CreateExperience:         {Name: "create experience"},
	EditExperience:           {Name: "edit experience", Dims: Dims{Administration: true, States: Draft}},
	PublishExperience:        {Name: "publish experience", Dims: Dims{Administration: true}},
	ReadExperience:           {Name: "read experience", Dims: Dims{Administration: true, States: Draft}},
	ReadExperienceHistory:    {Name: "read experience history", Dims: Dims{Administration: true, States: Draft}},
	AttachExperienceDocument: {Name: "attach experience document", Dims: Dims{Administration: true, States: Draft}},
	// Cell comments.
	ReadCellComments: {Name: "read cell comments", Dims: Dims{Administration: true, States: Draft}},
	CommentCell:      {Name: "comment cell", Dims: Dims{Administration: true, States: Draft}},
	// The audit log.
	ReadAuditLog:      {Name: "read audit log"},
	ReadModerationLog: {Name: "read moderation log"},
	// A room "in the subject's administration" is an open room, or an
	// invited one whose list holds the subject's administration.
	CreateRoom:         {Name: "create room"},
	ManageRoom:         {Name: "manage room", Dims: Dims{States: Archived}},
	ReadRoom:           {Name: "read room", Dims: Dims{Administration: true, States: Archived}},
	SendMessage:        {Name: "send message", Dims: Dims{Administration: true, States: Archived}},
	EditMessage:        {Name: "edit message", Dims: Dims{Owner: true, States: Archived | Deleted}},
	DeleteMessage:      {Name: "delete message", Dims: Dims{Owner: true, States: Archived}},
	ReactMessage:       {Name: "react to message", Dims: Dims{States: Archived | Deleted}},
	ReadMessageHistory: {Name: "read message history", Dims: Dims{Owner: true, States: Deleted}},
	MuteMember:         {Name: "mute room member"},
	ReportMessage:      {Name: "report message", Dims: Dims{States: Deleted}},
	PromoteMessage:     {Name: "promote message", Dims: Dims{States: Deleted}},
	SubscribeRoom:      {Name: "subscribe room topic", Dims: Dims{Administration: true, States: Archived}},
	MoveThread:         {Name: "move thread", Dims: Dims{States: Locked}},
	MergeThreads:       {Name: "merge threads", Dims: Dims{States: Locked}},
	SplitThread:        {Name: "split thread", Dims: Dims{States: Locked}},
	SuspendUser:        {Name: "suspend user"},
	ModerateUser:       {Name: "moderate user"},
	ManageSettings:     {Name: "manage settings"},
	// Saved comparison tables.
	CreateTable:    {Name: "create table"},
	ReadTable:      {Name: "read table"},
	EditTable:      {Name: "edit table", Dims: Dims{Owner: true}},
	ExportTable:    {Name: "export table"},
	SubscribeTable: {Name: "subscribe table topic"},
	ReportItem:     {Name: "report item", Dims: Dims{States: Deleted}},
	ReviewQueue:    {Name: "review moderation queue"},
	ModerateItem:   {Name: "moderate reported item"},
	// Reports of records and cell comments.
	ReportExperience:  {Name: "report experience", Dims: Dims{Administration: true, States: Draft}},
	ReportCellComment: {Name: "report cell comment", Dims: Dims{Administration: true, States: Draft}},
}

func (a Action) String() string { return actions[a].Name }

// Info is the action's name and dimensions.
func (a Action) Info() ActionInfo { return actions[a] }

// Actions lists every action, for tables and generated tests.
func Actions() []Action {
	out := make([]Action, numActions)
	for i := range out {
		out[i] = Action(i)
	}
	return out
}

// rules is THE table. A row grants; nothing else does. The edit window
// and "an admin keeps their own role" are value rules the domain checks
// after this table.
var rules = []Rule{
	{Action: TakePart, Roles: active},
	{Action: ManageCategories, Roles: admins},
	{Action: ReviewEnrolments, Roles: admins},
	{Action: ManageUsers, Roles: admins},
	{Action: Invite, Roles: admins},
	{Action: Invite, Roles: Of(Referente), Administration: Own},
	{Action: CreateThread, Roles: active},
	{Action: Reply, Roles: active},
	{Action: Reply, Roles: moderators, States: Locked},
	{Action: EditThread, Roles: active, Owner: Own, States: Locked | Archived},
	{Action: EditThread, Roles: moderators, States: Locked | Archived},
	{Action: ModerateThread, Roles: moderators, States: Locked | Archived},
	{Action: EditPost, Roles: active, Owner: Own, States: Locked | Archived},
	{Action: EditPost, Roles: moderators, States: Locked | Archived},
	{Action: DeletePost, Roles: active, Owner: Own, States: Locked | Archived},
	{Action: DeletePost, Roles: moderators, States: Locked | Archived},
	{Action: GiveDeleteReason, Roles: moderators, States: Locked | Archived},
	{Action: React, Roles: active, States: Locked | Archived},
	{Action: ReadPostFiles, Roles: active, States: Locked | Archived},
	{Action: ReadPostFiles, Roles: moderators, States: Locked | Archived | Deleted},
	{Action: ReadPostHistory, Roles: active, States: Locked | Archived},
	{Action: ReadPostHistory, Roles: moderators, States: Locked | Archived | Deleted},
	{Action: ReadDeletedPost, Roles: moderators},
	{Action: SubscribeForum, Roles: active, States: Locked | Archived},
	{Action: SubscribeUser, Roles: active, Owner: Own},
	// Experience records: an administration's members write its records,
	// moderators any; published records are read by everyone active,
	// drafts by their administration and moderators. Publishing is asked
	// on the draft (or as no particular state: the rows are the same).
	{Action: CreateExperience, Roles: active},
	{Action: EditExperience, Roles: active, Administration: Own, States: Draft},
	{Action: EditExperience, Roles: moderators, States: Draft},
	{Action: PublishExperience, Roles: active, Administration: Own, States: Draft},
	{Action: PublishExperience, Roles: moderators, States: Draft},
	{Action: ReadExperience, Roles: active},
	{Action: ReadExperience, Roles: active, Administration: Own, States: Draft},
	{Action: ReadExperience, Roles: moderators, States: Draft},
	{Action: ReadExperienceHistory, Roles: active},
	{Action: ReadExperienceHistory, Roles: active, Administration: Own, States: Draft},
	{Action: ReadExperienceHistory, Roles: moderators, States: Draft},
	{Action: AttachExperienceDocument, Roles: active, Administration: Own, States: Draft},
	{Action: AttachExperienceDocument, Roles: moderators, States: Draft},
	// Cell comments: whoever may read the record reads and writes them.
	{Action: ReadCellComments, Roles: active},
	{Action: ReadCellComments, Roles: active, Administration: Own, States: Draft},
	{Action: ReadCellComments, Roles: moderators, States: Draft},
	{Action: CommentCell, Roles: active},
	{Action: CommentCell, Roles: active, Administration: Own, States: Draft},
	{Action: CommentCell, Roles: moderators, States: Draft},
	// The audit log: admins read all of it, moderators what moderators do.
	{Action: ReadAuditLog, Roles: admins},
	{Action: ReadModerationLog, Roles: moderators},
	{Action: CreateRoom, Roles: moderators},
	{Action: ManageRoom, Roles: moderators, States: Archived},
	{Action: ReadRoom, Roles: active, Administration: Own, States: Archived},
	{Action: ReadRoom, Roles: moderators, States: Archived},
	{Action: SendMessage, Roles: active, Administration: Own},
	{Action: SendMessage, Roles: moderators},
	{Action: EditMessage, Roles: active, Owner: Own},
	{Action: DeleteMessage, Roles: active, Owner: Own},
	{Action: DeleteMessage, Roles: moderators, States: Archived},
	{Action: ReactMessage, Roles: active},
	{Action: ReadMessageHistory, Roles: moderators, States: Deleted},
	{Action: MuteMember, Roles: moderators},
	{Action: ReportMessage, Roles: active},
	{Action: PromoteMessage, Roles: moderators},
	{Action: SubscribeRoom, Roles: active, Administration: Own, States: Archived},
	{Action: SubscribeRoom, Roles: moderators, States: Archived},
	// Curation: moderators move, merge and split threads (locked ones too;
	// an archived category takes nothing new), suspend users and keep
	// notes on them (suspending a moderator or an admin, or oneself, is
	// refused by the domain after this table).
	{Action: MoveThread, Roles: moderators, States: Locked},
	{Action: MergeThreads, Roles: moderators, States: Locked},
	{Action: SplitThread, Roles: moderators, States: Locked},
	{Action: SuspendUser, Roles: moderators},
	{Action: ModerateUser, Roles: moderators},
	{Action: ManageSettings, Roles: admins},
	// Saved comparison tables: every active participant reads and exports
	// every table (the records in it stay as readable as they are); its
	// owner, moderators and admins change it.
	{Action: CreateTable, Roles: active},
	{Action: ReadTable, Roles: active},
	{Action: EditTable, Roles: active, Owner: Own},
	{Action: EditTable, Roles: moderators},
	{Action: ExportTable, Roles: active},
	{Action: SubscribeTable, Roles: active},
	// Anyone taking part reports what they can read, once per item (a
	// deleted item is nothing to report); moderators review the reports.
	{Action: ReportItem, Roles: active},
	{Action: ReviewQueue, Roles: moderators},
	{Action: ModerateItem, Roles: moderators},
	// A published record is public: anyone taking part may report it (a
	// draft is not public yet); a comment, wherever its readers read it.
	{Action: ReportExperience, Roles: active},
	{Action: ReportCellComment, Roles: active},
	{Action: ReportCellComment, Roles: active, Administration: Own, States: Draft},
	{Action: ReportCellComment, Roles: moderators, States: Draft},
}
