import Foundation
import Testing
@testable import MuseoLabWeb

/// What a CAS 3.0 `serviceValidate` answer says, read without a server.
@Suite struct CASResponseTests {
    @Test func aSuccessGivesTheUserAndTheFirstValueOfEachAttribute() throws {
        let answer = """
            <cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
              <cas:authenticationSuccess>
                <cas:user>cdubois</cas:user>
                <cas:attributes>
                  <cas:mail>camille.dubois@univ-artois.fr</cas:mail>
                  <cas:displayName>Camille Dubois</cas:displayName>
                  <cas:memberOf>etudiants</cas:memberOf>
                  <cas:memberOf>lettres</cas:memberOf>
                </cas:attributes>
              </cas:authenticationSuccess>
            </cas:serviceResponse>
            """
        let identity = try #require(CASClient.identity(fromServiceResponse: Data(answer.utf8)))
        #expect(identity.user == "cdubois")
        #expect(identity.email == "camille.dubois@univ-artois.fr" && identity.displayName == "Camille Dubois")
        #expect(identity.attributes["memberOf"] == "etudiants")
    }

    @Test func aFailureOrGarbageGivesNoOne() {
        let failure = """
            <cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
              <cas:authenticationFailure code="INVALID_TICKET">ticket not found</cas:authenticationFailure>
            </cas:serviceResponse>
            """
        #expect(CASClient.identity(fromServiceResponse: Data(failure.utf8)) == nil)
        #expect(CASClient.identity(fromServiceResponse: Data("<html>oops".utf8)) == nil)
        #expect(CASClient.loginURL(CASClient(server: "https://cas.univ-artois.fr/cas", timeout: 1))(service: "http://127.0.0.1:8080/connexion/cas/retour")
            == "https://cas.univ-artois.fr/cas/login?service=http%3A%2F%2F127.0.0.1%3A8080%2Fconnexion%2Fcas%2Fretour")
    }
}
