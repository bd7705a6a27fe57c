package web_test

import (
	"context"

	"github.com/vocdesk/vocdesk"
)

// seedNotification gives tn's developer a second member, "Agent <name>",
// whom the owner mentions in a note on tn's inquiry, and returns the
// notification that agent gets: a thing of tn's to aim the walks at.
func (e *env) seedNotification(tn tenant) int64 {
	t := e.t
	t.Helper()
	ctx := systemCtx()
	name := tn.slug[:len(tn.slug)-len("-games")]
	agent := &vocdesk.Member{Email: name + ".agent@example.com", Name: "Agent " + name, Role: vocdesk.RoleAgent}
	if err := e.svc.Developers.CreateMember(ctx, tn.slug, agent, name+"-agent-pw-1"); err != nil {
		t.Fatalf("seed notification: %v", err)
	}
	dev, err := e.svc.Developers.FindDeveloperBySlug(ctx, tn.slug)
	if err != nil {
		t.Fatalf("seed notification: %v", err)
	}
	as := func(id int64, email string, role vocdesk.Role) context.Context {
		return vocdesk.NewContextWithActor(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmDeveloper,
			DeveloperID: dev.ID, MemberID: id, Role: role, Name: email, Email: email})
	}
	note := &vocdesk.Message{Body: "@Agent " + name + " please check the " + name + " server log", Internal: true}
	if err := e.svc.Inquiries.AddMessage(as(tn.desk.ownerID, tn.memberEmail, vocdesk.RoleOwner), tn.desk.inquiryID, note); err != nil {
		t.Fatalf("seed notification: note: %v", err)
	}
	list, err := e.svc.Notifications.FindNotifications(as(agent.ID, agent.Email, agent.Role), vocdesk.NotificationFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("seed notification: %v, %v", list, err)
	}
	return list[0].ID
}
