package e2e

import (
	"fmt"

	"github.com/chromedp/chromedp"
)

// setValue sets a form control's value as a person choosing an option would
// (select elements do not take typed keys reliably in headless Chromium).
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		el.value = %q;
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, sel, value))
}
