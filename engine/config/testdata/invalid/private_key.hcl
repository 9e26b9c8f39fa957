credentials "garbage" {
  username    = "u"
  private_key = "not a key" # ERROR: Invalid private key
}
credentials "protected" {
  username    = "u"
  private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABD9mWgAed\niDK9IAjfzhesSHAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIIullY1J+SLT4id+\n3PLDtLyT/MFC+7EF3Rp8GpFpaBeQAAAAkMd13EORuV+m6qcGRNXalW9tf6aUTwy/rBkJcX\n1Xs4jVY0GvfNJ9fUL3A65+qFoEowUSFoOL3sQAatgo86JRACdS1Q5xdZqr2QnmNpK7WG9H\nVo6rcnqVqtF3bg9HYQslRatA3FhojyihQntRL5Tbr+QuHbbIhaaJ4b1rWKC7COraO98T7x\nyNj4KcqQ9qDI8o+Q==\n-----END OPENSSH PRIVATE KEY-----\n" # ERROR: which netrun does not support
}
