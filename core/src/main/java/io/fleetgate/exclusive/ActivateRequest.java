package io.fleetgate.exclusive;

/**
 * What a driver sends to activate an exclusive session. The service validates it; the record
 * itself accepts anything so that a host can pass what it received.
 *
 * @param merchantId      the merchant's id; this or {@code merchantPlaceId} is required
 * @param merchantPlaceId the merchant's place id; this or {@code merchantId} is required
 * @param chargerId       the charger the driver is at; required
 * @param lat             reported latitude, degrees
 * @param lng             reported longitude, degrees
 * @param accuracyMeters       reported GPS accuracy in metres, or {@code null} if the device gave none
 * @param intentSessionId the host's intent session, or {@code null}
 */
public record ActivateRequest(
        String merchantId,
        String merchantPlaceId,
        String chargerId,
        double lat,
        double lng,
        Double accuracyMeters,
        String intentSessionId) {

    /**
     * The common case: a merchant id, a charger id and a location.
     *
     * @param merchantId the merchant's id
     * @param chargerId  the charger's id
     * @param lat        latitude
     * @param lng        longitude
     * @return the request, without accuracy or intent session
     */
    public static ActivateRequest of(String merchantId, String chargerId, double lat, double lng) {
        return new ActivateRequest(merchantId, null, chargerId, lat, lng, null, null);
    }

    /**
     * {@return a copy carrying it}
     *
     * @param metres the reported accuracy
     */
    public ActivateRequest withAccuracy(Double metres) {
        return new ActivateRequest(merchantId, merchantPlaceId, chargerId, lat, lng, metres, intentSessionId);
    }
}
