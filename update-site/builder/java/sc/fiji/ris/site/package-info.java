/**
 * Builds the ImageJ update site that installs RIS in Fiji: {@link sc.fiji.ris.site.UpdaterChecksum} (the
 * checksum that the ImageJ Updater records and verifies, which for a jar is not the SHA-1 of its bytes),
 * {@link sc.fiji.ris.site.SiteFile} and {@link sc.fiji.ris.site.SiteRecord} (a file to publish, and what the
 * index says about it), {@link sc.fiji.ris.site.UpdateSiteBuilder} (the site's folder: every file stored as
 * {@code <path>-<timestamp>}, and the index {@code db.xml.gz}), {@link sc.fiji.ris.site.SiteSpec} (the site's
 * description, {@code update-site/site.json}) and {@link sc.fiji.ris.site.UpdateSiteMain}, which the Maven profile
 * {@code update-site} runs.
 * <p>
 * Build tooling below the core line: it must not import {@code ij.*}, {@code org.scijava.command},
 * {@code java.awt.*} or {@code javax.swing}, and nothing in the plugin uses it at run time.
 */
package sc.fiji.ris.site;
