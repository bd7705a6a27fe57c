package vocdesk

import "context"

// SessionStash keeps a short value server-side for one signed-in browser
// session until it is read once: a new API key's secret between the post
// that made it and the page its redirect shows, so that reloading that page
// neither repeats the post nor shows the secret again, and the secret is
// never in a URL or a cookie. Stored values are sealed with the session's
// own cookie secret, which the server keeps only as a hash: the database
// never holds them readable.
type SessionStash interface {
	// Stash keeps value under name for the session, replacing any value
	// of that name.
	Stash(ctx context.Context, sessionSecret, name, value string) error
	// TakeStash returns the value under name and forgets it; "" when there
	// is none (already read, expired, or another session's).
	TakeStash(ctx context.Context, sessionSecret, name string) (string, error)
}
