//go:build !js

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FirefoxPrefs returns the preferences LaunchKind writes to a fresh Firefox
// profile's user.js, as name → value.
func FirefoxPrefs() map[string]any {
	return map[string]any{
		// WebRTC in a namespace with only lo. Without a camera and microphone
		// permission Firefox gathers only its "default" address, found by
		// connecting a UDP socket towards a public address: no route, no
		// candidate. With it granted, it gathers every interface's address;
		// ice.loopback lets that include 127.0.0.1 and ::1, and plain host
		// addresses (no mDNS .local names) let Chromium and pion reach them.
		"permissions.default.camera":                        1,
		"permissions.default.microphone":                    1,
		"media.navigator.permission.disabled":               true, // no prompt for getUserMedia
		"media.navigator.streams.fake":                      true, // fake camera and microphone
		"media.peerconnection.ice.loopback":                 true,
		"media.peerconnection.ice.obfuscate_host_addresses": false,
		"media.autoplay.default":                            0, // allow audible autoplay
		"media.autoplay.blocking_policy":                    0,
		// Pages in background windows keep their timers running: the tests
		// drive several pages at once.
		"dom.min_background_timeout_value":                            4,
		"dom.min_background_timeout_value_without_budget_throttling":  4,
		"dom.timeout.enable_budget_timer_throttling":                  false,
		"dom.suspend_inactive.enabled":                                false,
		"ui.useOverlayScrollbars":                                     1, // scrollbars take no room
		"browser.tabs.warnOnClose":                                    false,
		"browser.sessionstore.resume_from_crash":                      false,
		"browser.shell.checkDefaultBrowser":                           false,
		"browser.startup.page":                                        0,
		"browser.startup.homepage":                                    "about:blank",
		"browser.startup.homepage_override.mstone":                    "ignore",
		"browser.aboutwelcome.enabled":                                false,
		"browser.newtabpage.enabled":                                  false,
		"startup.homepage_welcome_url":                                "about:blank",
		"startup.homepage_welcome_url.additional":                     "",
		"datareporting.policy.dataSubmissionPolicyBypassNotification": true,
		"trailhead.firstrun.didSeeAboutWelcome":                       true,
		"browser.newtabpage.activity-stream.feeds.system.topstories":  false,
		"browser.newtabpage.activity-stream.feeds.snippets":           false,
		"browser.newtabpage.activity-stream.feeds.section.topstories": false,
		"browser.newtabpage.activity-stream.showSponsoredTopSites":    false,
		"browser.newtabpage.activity-stream.telemetry":                false,
		"browser.urlbar.suggest.quicksuggest.sponsored":               false,
		"browser.urlbar.quicksuggest.enabled":                         false,
		"browser.topsites.contile.enabled":                            false,
		// Nothing reaches for the network on its own: no updates, telemetry,
		// experiments, captive portal or connectivity checks, safe browsing,
		// remote settings, push, geolocation, OCSP, DoH or prefetching. In
		// the namespace it could not anyway; this keeps the log quiet.
		"app.update.disabledForTesting":                   true,
		"app.update.auto":                                 false,
		"app.update.checkInstallTime":                     false,
		"app.normandy.enabled":                            false,
		"app.shield.optoutstudies.enabled":                false,
		"messaging-system.rsexperimentloader.enabled":     false,
		"nimbus.disabled":                                 true,
		"toolkit.telemetry.enabled":                       false,
		"toolkit.telemetry.unified":                       false,
		"toolkit.telemetry.archive.enabled":               false,
		"toolkit.telemetry.server":                        "",
		"datareporting.healthreport.uploadEnabled":        false,
		"datareporting.policy.dataSubmissionEnabled":      false,
		"browser.ping-centre.telemetry":                   false,
		"network.captive-portal-service.enabled":          false,
		"network.connectivity-service.enabled":            false,
		"browser.safebrowsing.malware.enabled":            false,
		"browser.safebrowsing.phishing.enabled":           false,
		"browser.safebrowsing.blockedURIs.enabled":        false,
		"browser.safebrowsing.downloads.enabled":          false,
		"browser.safebrowsing.downloads.remote.enabled":   false,
		"browser.safebrowsing.provider.mozilla.updateURL": "",
		"browser.safebrowsing.provider.google4.updateURL": "",
		"services.settings.server":                        "",
		"services.sync.engine.addons":                     false,
		"identity.fxaccounts.enabled":                     false,
		"dom.push.connection.enabled":                     false,
		"dom.push.serverURL":                              "",
		"geo.provider.network.url":                        "",
		"browser.region.network.url":                      "",
		"browser.region.update.enabled":                   false,
		"browser.search.update":                           false,
		"browser.search.geoip.url":                        "",
		"extensions.update.enabled":                       false,
		"extensions.getAddons.cache.enabled":              false,
		"extensions.blocklist.enabled":                    false,
		"extensions.systemAddon.update.enabled":           false,
		"media.gmp-manager.url":                           "",
		"media.gmp-gmpopenh264.autoupdate":                false,
		"media.gmp-widevinecdm.enabled":                   false,
		"security.OCSP.enabled":                           0,
		"security.remote_settings.crlite_filters.enabled": false,
		"security.remote_settings.intermediates.enabled":  false,
		"network.trr.mode":                                5,
		"network.dns.disablePrefetch":                     true,
		"network.prefetch-next":                           false,
		"network.predictor.enabled":                       false,
		"network.http.speculative-parallel-limit":         0,
		"browser.places.speculativeConnect.enabled":       false,
		"captivedetect.canonicalURL":                      "",
	}
}

// writeUserJS writes prefs to dir/user.js, which Firefox reads at start.
func writeUserJS(dir string, prefs map[string]any) error {
	names := make([]string, 0, len(prefs))
	for n := range prefs {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		v, err := json.Marshal(prefs[n])
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "user_pref(%q, %s);\n", n, v)
	}
	return os.WriteFile(filepath.Join(dir, "user.js"), []byte(b.String()), 0o644)
}
