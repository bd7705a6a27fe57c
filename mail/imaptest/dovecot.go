// Package imaptest starts a private Debian Dovecot for tests of the IMAP
// poller: its own configuration, users, mail and port in a temp dir, run
// as the current user (or, under root, as the package's unprivileged
// dovecot and dovenull users, since Dovecot will not serve mail as root).
package imaptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// RequireEnv, when set, turns "Dovecot is not installed" from a skip into
// a failure: scripts/test.sh sets it, so CI cannot pass by skipping.
const RequireEnv = "VOCDESK_REQUIRE_DOVECOT"

// Dovecot is a running private Dovecot.
type Dovecot struct {
	Addr    string // 127.0.0.1:PORT, plain IMAP (STARTTLS offered)
	TLSAddr string // 127.0.0.1:PORT, implicit TLS
	// Roots trusts the server's certificate, made for this run and valid
	// for 127.0.0.1 and localhost.
	Roots *x509.CertPool
	dir   string
	t     testing.TB
}

// binary finds Debian's dovecot, or skips (fails under RequireEnv).
func binary(t testing.TB) string {
	for _, p := range []string{"dovecot", "/usr/sbin/dovecot"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf("dovecot is not installed and %s is set: run scripts/test-deps.sh (Debian package dovecot-imapd)", RequireEnv)
	}
	t.Skipf("dovecot is not installed (Debian package dovecot-imapd; scripts/test-deps.sh installs it); set %s=1 to fail instead", RequireEnv)
	return ""
}

// Start runs a Dovecot with users (name to password) on a free loopback
// port; it stops when the test ends.
func Start(t testing.TB, users map[string]string) *Dovecot {
	t.Helper()
	bin := binary(t)
	dir, err := os.MkdirTemp("", "vocdesk-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	// The mail processes run as the mail user, who must reach the homes.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	mailUser, loginUser, internal := current(t)
	for _, d := range []string{"run", "state", "home"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var pw strings.Builder
	for name, pass := range users {
		fmt.Fprintf(&pw, "%s:{PLAIN}%s\n", name, pass)
		home := filepath.Join(dir, "home", name)
		if err := os.Mkdir(home, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(home, mailUser.uid, mailUser.gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(pw.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	port, tlsPort := freePort(t), freePort(t)
	roots := writeCert(t, dir)
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = %[2]s
default_internal_group = %[3]s
default_login_user = %[4]s
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = static
  args = uid=%[5]d gid=%[6]d home=%[1]s/home/%%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[7]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[8]d
    ssl = yes
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
`, dir, internal.name, internal.group, loginUser.name, mailUser.uid, mailUser.gid, port, tlsPort)
	confPath := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	// In the foreground (-F) Dovecot is the test's own child: stopped and
	// waited for at the end, never left behind as a daemon.
	out, err := os.Create(filepath.Join(dir, "stdout.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-F", "-c", confPath)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); out.Close() }()
	d := &Dovecot{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), TLSAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(tlsPort)),
		Roots: roots, dir: dir, t: t}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", d.TLSAddr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(filepath.Join(dir, "stdout.log"))
			t.Fatalf("dovecot exited: %v\n%s%s", err, b, d.Log())
		default:
		}
		if i == 50 {
			t.Fatalf("dovecot does not listen on %s: %v\n%s", d.Addr, err, d.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return d
}

// Log is the server's log so far, for failure messages.
func (d *Dovecot) Log() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	return string(b)
}

// Append delivers raw into user's INBOX through IMAP APPEND, as a mail
// client or an MDA would, and returns its UID.
func (d *Dovecot) Append(user, password string, raw []byte) uint32 {
	d.t.Helper()
	c, err := imapclient.DialInsecure(d.Addr, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, password).Wait(); err != nil {
		d.t.Fatalf("login %s: %v", user, err)
	}
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		d.t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		d.t.Fatal(err)
	}
	data, err := cmd.Wait()
	if err != nil {
		d.t.Fatalf("append: %v", err)
	}
	_ = c.Logout().Wait()
	return uint32(data.UID)
}

// Flags returns the flags of every message in user's INBOX by UID, to
// check that polling left them as they were.
func (d *Dovecot) Flags(user, password string) map[uint32][]imap.Flag {
	d.t.Helper()
	c, err := imapclient.DialInsecure(d.Addr, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, password).Wait(); err != nil {
		d.t.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		d.t.Fatal(err)
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		d.t.Fatal(err)
	}
	out := map[uint32][]imap.Flag{}
	for _, m := range msgs {
		out[uint32(m.UID)] = m.Flags
	}
	_ = c.Logout().Wait()
	return out
}

type account struct {
	name, group string
	uid, gid    int
}

// current returns who the mail processes, the login processes and
// Dovecot's own processes run as: the current user, unless it is root.
func current(t testing.TB) (mail, login, internal account) {
	me := lookup(t, "")
	if me.uid != 0 {
		return me, me, me
	}
	return lookup(t, "dovecot"), lookup(t, "dovenull"), lookup(t, "dovecot")
}

func lookup(t testing.TB, name string) account {
	var u *user.User
	var err error
	if name == "" {
		u, err = user.Current()
	} else {
		u, err = user.Lookup(name)
	}
	if err != nil {
		t.Fatalf("user %q: %v (Debian's dovecot-core creates dovecot and dovenull)", name, err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return account{name: u.Username, group: g.Name, uid: uid, gid: gid}
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// writeCert makes a self-signed certificate for 127.0.0.1 and localhost,
// writes it and its key where the configuration reads them (readable by
// Dovecot's unprivileged processes), and returns a pool that trusts it.
func writeCert(t testing.TB, dir string) *x509.CertPool {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vocdesk test IMAP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}
